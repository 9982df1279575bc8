"""Common first names in France, to tell « Jean Dupont » from « Zone Artisanale ».

A capitalised first name followed by a capitalised word is read as a person's name (unless it
is a place or a street name: « rue Victor Hugo »). Names that are ordinary words or frequent
place names (« Martin », « Rose ») are left out on purpose.
"""

from __future__ import annotations

_NAMES = """
    Jean Pierre Michel André Philippe Alain Jacques Bernard Patrick Daniel Christian
    Nicolas Christophe Laurent Frédéric Stéphane David Éric Eric Olivier Pascal Thierry
    Sébastien Julien François Gérard Didier Dominique Bruno Paul Claude Vincent Thomas
    Alexandre Antoine Maxime Guillaume Kevin Kévin Jérôme Franck Yves Marc Luc Serge René
    Robert Henri Louis Georges Roger Marcel Lucas Hugo Théo Mathieu Matthieu Romain
    Anthony Florian Quentin Jordan Dylan Mickaël Mickael Michael Cédric Fabrice Sylvain
    Ludovic Mathis Nathan Enzo Léo Gabriel Raphaël Arthur Jules Adam Noah Ethan Tom
    Mohamed Mohammed Karim Mehdi Yanis Rayan Bilal Sofiane Samir Rachid Ahmed Ali Youssef
    Jonathan Benjamin Damien Jérémy Jeremy Arnaud Cyril Hervé Joël Gilles Benoît Clément
    Adrien Valentin Baptiste Corentin Alexis Loïc Yann Yannick Rémi Rémy Jimmy Steve
    Steven Tony Victor Samuel Simon Emmanuel Fabien Grégory Gregory Xavier Lionel Régis
    Raymond Albert Roland Gilbert Maurice Lucien Émile Emile Fernand Kylian Killian Axel
    Evan Mattéo Matteo Nolan Sacha Timéo Liam Aaron Malik Nabil Hamza Ibrahim Moussa
    Mamadou Ismaël Kader Farid Nordine Loris Bryan Brandon Johnny Ludo Jean-Pierre
    Jean-Claude Jean-Luc Jean-François Jean-Marc Jean-Michel Jean-Paul Jean-Baptiste
    Jean-Louis Jean-Jacques Jean-Marie Jean-Yves Pierre-Yves Marie Nathalie Isabelle
    Sylvie Catherine Françoise Martine Christine Monique Valérie Sandrine Véronique Nicole
    Stéphanie Sophie Céline Chantal Patricia Anne Brigitte Julie Aurélie Caroline Laurence
    Émilie Emilie Nadine Corinne Camille Laura Sarah Manon Léa Chloé Emma Inès Louise
    Alice Lina Léna Julia Lucie Zoé Anaïs Mélanie Audrey Virginie Élodie Elodie Delphine
    Karine Hélène Florence Agnès Jacqueline Danielle Denise Josiane Michèle Michelle
    Colette Jeanne Madeleine Simone Suzanne Yvette Ginette Odette Paulette Pauline Marion
    Charlotte Clara Océane Amandine Justine Morgane Mathilde Margaux Élise Elise Fatima
    Nadia Samira Karima Leïla Leila Yasmine Amina Aïcha Sabrina Jessica Cindy Vanessa
    Laetitia Coralie Aurore Estelle Gaëlle Magali Myriam Annie Évelyne Evelyne Béatrice
    Claudine Gisèle Huguette Marcelle Lucienne Germaine Yvonne Andrée Mireille Josette
    Jocelyne Marine Alexandra Elsa Eva Anna Romane Juliette Agathe Margot Marie-Claude
    Marie-Christine Marie-Thérèse Anne-Marie Marie-France Marie-Hélène
"""

FIRST_NAMES: frozenset[str] = frozenset(_NAMES.split())
